/** Entry point of `npm run cli`: see src/cli/landscape.ts. */
import { main } from './landscape';

const code = await main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
process.exit(code);
