// Converts SFDX source folders to metadata format with @salesforce/source-deploy-retrieve,
// the converter the Salesforce CLI uses. The Go tests of internal/source compare their own
// output with this one.
//
// usage: node convert.js (--out DIR | --zip FILE.zip) --api-version NN.0 [--manifest package.xml]
//        SOURCE_DIR...
'use strict';

const path = require('node:path');
const { ComponentSet, MetadataConverter } = require('@salesforce/source-deploy-retrieve');

function parseArgs(argv) {
  const args = { dirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['--out', '--zip', '--api-version', '--manifest'].includes(a)) {
      args[a.slice(2)] = argv[++i];
    } else {
      args.dirs.push(path.resolve(a));
    }
  }
  if (!(args.out || args.zip) || !args['api-version'] || args.dirs.length === 0) {
    throw new Error('usage: convert.js (--out DIR | --zip FILE.zip) --api-version NN.0 ' +
      '[--manifest FILE] DIR...');
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // As `sf project convert source` does: a manifest resolves against the folders.
  const cs = args.manifest
    ? await ComponentSet.fromManifest({
        manifestPath: args.manifest,
        resolveSourcePaths: args.dirs,
        forceAddWildcards: true,
      })
    : ComponentSet.fromSource(args.dirs);
  cs.sourceApiVersion = args['api-version'];
  cs.apiVersion = args['api-version'];
  // A zip is written to its outputDirectory with ".zip" appended.
  const output = args.zip
    ? { type: 'zip', outputDirectory: path.resolve(args.zip).replace(/\.zip$/, '') }
    : { type: 'directory', outputDirectory: path.resolve(args.out) };
  await new MetadataConverter().convert(cs, 'metadata', { ...output, genUniqueDir: false });
}

main().catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
