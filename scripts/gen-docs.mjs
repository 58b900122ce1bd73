// Writes the generated references (configuration, errors, JSON Schema) from the built code.
import { writeFileSync } from 'node:fs';
import { configJsonSchema, configReferenceMarkdown } from '../dist/config/reference.js';
import { errorsReferenceMarkdown } from '../dist/errors/reference.js';

writeFileSync(
  new URL('../schema/warden.schema.json', import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
writeFileSync(new URL('../docs/configuration.md', import.meta.url), configReferenceMarkdown());
writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsReferenceMarkdown());
