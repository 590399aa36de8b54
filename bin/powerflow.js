#!/usr/bin/env node
require("../dist/cli/powerflow.js").main(process.argv.slice(2));
