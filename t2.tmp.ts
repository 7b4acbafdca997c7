import { ThreadPool } from "./worker/threads/pool";
const pool = new ThreadPool<typeof import("./worker/processors/optimization.tasks").threadTasks>(1, new URL("./worker/processors/optimization.tasks.ts", import.meta.url).href);
const t = Date.now();
const r = await pool.run("allocate", [{ sources: [{ id: "a" }], destinations: [{ id: "b", headroom: Infinity }], lanes: [{ from: "a", to: "b", costPerUnit: 1 }], products: [{ id: "p", shortageCost: 5, supply: { a: 10 }, need: { b: 4 } }] }]);
console.log(Date.now() - t, JSON.stringify(r));
// big problem timing
const P = Number(process.env.P ?? 300), S = 3, W = 30;
const sources = Array.from({ length: S }, (_, i) => ({ id: `s${i}` }));
const destinations = Array.from({ length: W }, (_, j) => ({ id: `w${j}`, headroom: 400 }));
const lanes = sources.flatMap((s, i) => destinations.map((d, j) => ({ from: s.id, to: d.id, costPerUnit: ((i * 7 + j * 13) % 17) / 10 + 0.1 })));
const products = Array.from({ length: P }, (_, p) => ({ id: `p${p}`, shortageCost: 1 + (p % 11), supply: Object.fromEntries(sources.map((s, i) => [s.id, 20 + ((p * 3 + i) % 40)])), need: Object.fromEntries(destinations.map((d, j) => [d.id, (p * 5 + j * 3) % 9])) }));
const t2 = Date.now();
const big = await pool.run("allocate", [{ sources, destinations, lanes, products }]);
console.log("big", Date.now() - t2, big.objective, big.shipments.length);
await pool.close();
