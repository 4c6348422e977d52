import { ResponseItemStore } from './response-item-store';
import { ResponseOutputItem } from './response.types';

describe('ResponseItemStore', () => {
  it('finds every kept output item by its id, and nothing else', () => {
    const store = new ResponseItemStore();
    const output: ResponseOutputItem[] = [
      { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'hm' }], status: 'completed' },
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'hi', annotations: [], logprobs: [] }],
      },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed' },
    ];
    store.keep(output);
    expect(output.map((item) => store.find(item.id))).toEqual(output);
    expect(store.find('msg_2')).toBeUndefined();
  });
});
