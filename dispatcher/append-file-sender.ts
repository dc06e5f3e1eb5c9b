// A sender that appends one line per message to a file kept outside the database, durably: opened with O_APPEND
// (every write lands at the end, whoever else appends), each line written with one write(2) and fsync(2)ed before
// the send counts as delivered (so a confirmed digest is on disk). A new file's directory entry is fsynced too.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Sender } from './outbox-worker.ts';

export interface AppendFile<M> {
  send: Sender<M>;
  close(): void;
}

export function appendFileSender<M>(file: string, line: (message: M) => string): AppendFile<M> {
  const created = !existsSync(file);
  // 'a+': O_RDWR | O_CREAT | O_APPEND (read access only to look at the last byte).
  const fd = openSync(file, 'a+', 0o644);
  if (created) {
    const dir = openSync(path.dirname(path.resolve(file)), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
  // A line cut short (a crash mid-write, before its fsync, so never confirmed: it is sent again) must not swallow
  // the next one: start on a line of our own.
  let needsNewline = false;
  const size = fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    needsNewline = last[0] !== 0x0a;
  }
  return {
    send: async (message) => {
      const text = `${needsNewline ? '\n' : ''}${line(message)}`;
      const buffer = Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
      let written = 0;
      while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
      needsNewline = false;
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
