/**
 * How large a JSON request body the bridge reads (architecture §2: JSON bodies ≤ 1 MB). One channel carries a whole
 * file: `importArticles`, the article master (issue 19 item 2, docs/article-master.md) of up to 64 MiB. Its text
 * arrives JSON-encoded, which at most doubles a file's bytes for what a CSV holds (`"` and line breaks become two
 * characters; other characters keep their UTF-8 length), so its body may be twice that plus the usual 1 MB. The
 * contract refuses a longer text afterwards; this limit only keeps a body from being held in memory without bound.
 * The bridge listens on loopback only and every call needs the key, with either limit.
 */
import { articleLimits } from '../../shared/ipc/contract';
import { channelOf, type Channel } from '../../shared/ipc/channels';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export const MAX_IMPORT_BODY_BYTES = 2 * articleLimits.importTextChars + MAX_JSON_BODY_BYTES;

const largerBodies: Partial<Record<Channel, number>> = { 'erx:importArticles': MAX_IMPORT_BODY_BYTES };

/** The body limit of a bridge method as the URL names it (unknown names: the usual 1 MB). */
export function maxBodyBytes(method: string): number {
  const channel = channelOf(method);
  return (channel && largerBodies[channel]) ?? MAX_JSON_BODY_BYTES;
}

/** „1 MB“, „129 MB“ — for the German refusal of a body over the limit. */
export function formatBodyLimit(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MB`;
}
