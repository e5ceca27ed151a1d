// The open-loop load lives in the runtime (`topolab bench` uses it for failover); kept here for the scripts.
export { runOpenLoop } from '../../packages/runtime/dist/bench/index.js';
