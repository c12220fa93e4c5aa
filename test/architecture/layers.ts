/**
 * The layer map of src/, lowest first: a module may import from its own layer and from
 * any layer below it, never from a layer above. test/architecture/imports.test.ts holds
 * the code to it (and to: no import cycle anywhere in src/, no import from outside src/).
 *
 * Every file in src/ must fall under one entry (the longest matching prefix wins): a new
 * subsystem directory is added here, in the layer it belongs to, in the same commit.
 *
 * Within a layer, directories may import each other one way only: no loop between
 * directories (checked too). In `recording` today: src/recording builds on src/evidence
 * and src/media, src/evidence on src/media; src/osd on none of them.
 * docs/architecture.md shows the same table: change both together.
 */
export interface Layer {
  name: string;
  /** Path prefixes from the repository root: a directory ends in '/', anything else matches by start. */
  paths: string[];
}

export const LAYERS: Layer[] = [
  { name: 'core', paths: ['src/core/', 'src/types/', 'src/config/'] },
  { name: 'store', paths: ['src/store/'] },
  { name: 'recording', paths: ['src/media/', 'src/evidence/', 'src/recording/', 'src/osd/'] },
  { name: 'edges', paths: ['src/hw/', 'src/uplink/', 'src/export/', 'src/broker/', 'src/live/', 'src/registry/', 'src/fleet/', 'src/offload/', 'src/archive/', 'src/quality/'] },
  // The composition root: src/service/ (and a src/service*.ts beside it, if one appears).
  { name: 'service', paths: ['src/service'] },
  { name: 'cli', paths: ['src/cli/'] },
];

/**
 * Imports from outside src/ that are allowed (prefix → prefix); every other one fails.
 * `casecam simulate` runs the tools in simulator/ (docs/architecture.md): only the cli may.
 */
export const OUTSIDE_SRC_ALLOWED: Array<{ from: string; to: string }> = [{ from: 'src/cli/', to: 'simulator/' }];
