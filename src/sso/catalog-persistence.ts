import type { Logger } from '../logger.js';
import { Catalog } from '../store/catalog.js';
import type { CatalogRole } from '../core/types.js';
import { CatalogFileWriter, loadCatalogFile } from '../store/catalog-file.js';

export interface PersistentCatalog {
  catalog: Catalog;
  /** Takes back the previous run's catalog once (later calls do nothing), for sessions `keep` accepts. */
  restoreOnce(keep: (session: string) => boolean): Promise<void>;
  /** Resolves when every change so far is on disk. */
  flush(): Promise<void>;
}

/**
 * The catalog wired to its state file: every change is written (ids and names only), and the first
 * load brings back the names and roles of the last run, so profiles survive a restart.
 */
export function persistentCatalog(opts: {
  file: string; logger: Logger; regionOf: (session: string) => string | undefined;
  /** Told the new profile list after each change (the daemon rewrites the token files). */
  onProfilesChanged?: (profiles: CatalogRole[]) => void;
}): PersistentCatalog {
  const writer = new CatalogFileWriter(opts.file, (err) => opts.logger.warn({ file: opts.file, err: err.message }, 'could not save the catalog'));
  const catalog: Catalog = new Catalog({
    regionOf: opts.regionOf,
    onChange: (snapshot) => { writer.save(snapshot); opts.onProfilesChanged?.(catalog.list()); },
  });
  let restored = false;
  return {
    catalog,
    async restoreOnce(keep) {
      if (restored) return;
      restored = true;
      const { snapshot, problem } = await loadCatalogFile(opts.file);
      if (problem) opts.logger.warn({ problem }, 'starting without the last known catalog');
      if (snapshot) {
        catalog.restore(snapshot, keep);
        opts.logger.info({ roles: catalog.list().length }, 'last known catalog restored');
      }
    },
    flush: () => writer.flush(),
  };
}
