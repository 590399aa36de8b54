#!/usr/bin/env node
require("../dist/cli/mdpc.js").main(process.argv.slice(2));
