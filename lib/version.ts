import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

/** This package's version (from package.json, one level above lib/ and bin/ both in source and when built). */
export function packageVersion(): string {
  if (cached === undefined) {
    try {
      cached = String(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version ?? '0.0.0');
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}

/** The package name: the CLI's bin name and the template Metadata key for acknowledgements. */
export const PACKAGE_NAME = 'cdk-apigw-lambda-permissions';
