#!/usr/bin/env node
require("../dist/cli/faultmaker.js").main(process.argv.slice(2));
