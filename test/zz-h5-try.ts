import { main } from '../lib/cli/main';
const code = main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
console.log('exit', code);
