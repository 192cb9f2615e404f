// Copies the page (src/) and the pinned Autobahn|JS browser bundle into the directory given, which
// Quarkus serves (the Maven build passes target/classes/META-INF/resources). The page is plain ES
// modules and CSS that browsers run as written, so copying is the whole build. Node built-ins only.
//
//   npm run build -- DIR

import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: npm run build -- DIR (where the page goes)');
  process.exit(2);
}

const autobahn = join(here, 'node_modules', 'autobahn-browser');
mkdirSync(join(out, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), out, { recursive: true });
cpSync(join(autobahn, 'autobahn.min.js'), join(out, 'vendor', 'autobahn.min.js'));
cpSync(join(autobahn, 'LICENSE'), join(out, 'vendor', 'autobahn.LICENSE.txt'));
console.log(`web-ui: page and Autobahn|JS copied to ${resolve(out)}`);
