import type { FsConfig } from '../../config/builtins.js';
import type { ToolFamily } from '../types.js';
import { createFsContext } from './context.js';
import { createDeleteTool } from './tool-delete.js';
import { createListTool } from './tool-list.js';
import { createMoveTool } from './tool-move.js';
import { createReadTool } from './tool-read.js';
import { createSearchTool } from './tool-search.js';
import { createStatTool } from './tool-stat.js';
import { createWriteTool } from './tool-write.js';

/** Options of {@link createFsTools}. */
export interface CreateFsToolsOptions {
  /** Directory that relative roots are resolved against (usually the directory of warden.yaml). */
  baseDir: string;
}

/**
 * Builds the fs_* tools confined to `config.roots`, resolved against `baseDir` with realpath now; a missing root
 * rejects with CONFIG_INVALID.
 */
export async function createFsTools(config: FsConfig, options: CreateFsToolsOptions): Promise<ToolFamily> {
  const ctx = await createFsContext(config, options.baseDir);
  return {
    tools: [
      createReadTool(ctx),
      createWriteTool(ctx),
      createListTool(ctx),
      createStatTool(ctx),
      createMoveTool(ctx),
      createDeleteTool(ctx),
      createSearchTool(ctx),
    ],
  };
}
