#!/usr/bin/env node
/** `cdk-apigw-lambda-permissions`: a thin wrapper; everything lives in lib/cli/main.ts. */
import { main } from '../lib/cli/main';

process.exitCode = main(process.argv.slice(2));
