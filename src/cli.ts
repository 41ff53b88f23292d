// `node dist/cli.js …` is the documented short entry; the real one is dist/cli/main.js.
import './cli/main.js';
