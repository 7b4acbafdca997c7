/** What every model produces for one fitting window. */
export interface ModelFit {
  method: string;
  predictions: number[];
  params: Record<string, number>;
}
