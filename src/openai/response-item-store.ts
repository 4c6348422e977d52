import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ResponseOutputItem } from './response.types';

/**
 * Output items of recent responses, by item id, so that a later request may name them with an
 * `item_reference` input item instead of repeating them (per OpenAI Responses; the Vercel AI SDK
 * does so by default in tool loops). Kept in this process's memory only, in an LRU (npm
 * `lru-cache`) bounded by the items' text length; responses made with `store: false` are not kept.
 */
@Injectable()
export class ResponseItemStore {
  private readonly items = new LRUCache<string, ResponseOutputItem>({
    maxSize: MAX_SIZE,
    sizeCalculation: (item) => sizeOf(item),
  });

  /** Keeps every item of a finished response's `output`. */
  keep(output: ResponseOutputItem[]): void {
    for (const item of output) this.items.set(item.id, item);
  }

  /** The kept item with this id, if any. */
  find(id: string): ResponseOutputItem | undefined {
    return this.items.get(id);
  }
}

/** Most characters (UTF-16 code units) of item text kept at once, counting 64 more per item. */
const MAX_SIZE = 64 * 1024 * 1024;

function sizeOf(item: ResponseOutputItem): number {
  if (item.type === 'function_call') return 64 + item.name.length + item.arguments.length;
  return 64 + item.content.reduce((sum, part) => sum + part.text.length, 0);
}
