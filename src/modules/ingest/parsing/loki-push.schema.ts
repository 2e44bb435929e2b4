import { Root, type Type } from 'protobufjs';

/**
 * Loki's push message (`pkg/push/push.proto`, package `logproto`) as a protobufjs JSON
 * descriptor: PushRequest{streams: StreamAdapter{labels, entries: EntryAdapter{timestamp, line,
 * structuredMetadata: LabelPairAdapter{name, value}}, hash}}.
 */
const DESCRIPTOR = {
  nested: {
    logproto: {
      nested: {
        PushRequest: {
          fields: { streams: { rule: 'repeated', type: 'StreamAdapter', id: 1 } },
        },
        StreamAdapter: {
          fields: {
            labels: { type: 'string', id: 1 },
            entries: { rule: 'repeated', type: 'EntryAdapter', id: 2 },
            hash: { type: 'uint64', id: 3 },
          },
        },
        EntryAdapter: {
          fields: {
            timestamp: { type: 'google.protobuf.Timestamp', id: 1 },
            line: { type: 'string', id: 2 },
            structuredMetadata: { rule: 'repeated', type: 'LabelPairAdapter', id: 3 },
          },
        },
        LabelPairAdapter: {
          fields: {
            name: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
      },
    },
    google: {
      nested: {
        protobuf: {
          nested: {
            Timestamp: {
              fields: {
                seconds: { type: 'int64', id: 1 },
                nanos: { type: 'int32', id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

export const PushRequest: Type = Root.fromJSON(DESCRIPTOR).lookupType('logproto.PushRequest');
