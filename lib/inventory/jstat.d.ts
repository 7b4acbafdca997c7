// jstat ships no types; this declares the one part we use. Its CommonJS export is the jStat object.
declare module "jstat" {
  const jStat: {
    normal: {
      inv(p: number, mean: number, std: number): number;
      cdf(x: number, mean: number, std: number): number;
      pdf(x: number, mean: number, std: number): number;
    };
  };
  export default jStat;
}
