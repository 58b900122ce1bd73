import type { ProgramKnowledge } from '../program-knowledge.js';

/**
 * ssh/scp/sftp: options that run local commands (ProxyCommand, LocalCommand), load configs or forward ports;
 * -f backgrounds ssh in a new session, out of reach of the timeout's process-group kill.
 */
export const SSH: ProgramKnowledge = {
  deny: ['-o', '-F', '-J', '-w', '-L', '-R', '-D', '-S', '-W', '-M', '-E', '-f'],
};

/** sftp: as ssh, and -b runs a batch file whose `!command` lines run in a local shell (`-b -` reads stdin). */
export const SFTP: ProgramKnowledge = {
  deny: [...SSH.deny, '-b'],
};

/** rsync: remote shells and remote paths, batch files, daemon mode and link-following copies. */
export const RSYNC: ProgramKnowledge = {
  deny: [
    '-e',
    '--rsh',
    '--rsync-path',
    '-M',
    '--remote-option',
    '--write-batch',
    '--only-write-batch',
    '--read-batch',
    '--daemon',
    '--config',
    '-L',
    '--copy-links',
    '--copy-unsafe-links',
    '-k',
    '--copy-dirlinks',
    '-K',
    '--keep-dirlinks',
    // Relative values are read from the destination, not the working directory, so the path check would look in
    // the wrong place: `--link-dest=../../outside` hard-links files from outside the roots into them.
    '--link-dest',
    '--copy-dest',
    '--compare-dest',
  ],
};

/** man: pagers, preprocessors, browsers and alternative configs run programs. */
export const MAN: ProgramKnowledge = {
  deny: [
    '-P',
    '--pager',
    '-p',
    '--preprocessor',
    '-H',
    '--html',
    '-C',
    '--config-file',
    '-X',
    '--gxditview',
    '-T',
    '--troff-device',
    '-Z',
    '--ditroff',
    '-t',
    '--troff',
    '-l',
    '--local-file',
    '-M',
    '--manpath',
  ],
};
