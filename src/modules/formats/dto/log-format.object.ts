import { Field, ObjectType } from '@nestjs/graphql';

import type { LogFormat } from '../log-format';

@ObjectType('LogFormat', { description: 'A log format Vigil detects and parses' })
export class LogFormatObject {
  @Field({
    description: 'Stable name, stored as LogRecord.format (nginx-combined, syslog-rfc5424)',
  })
  name!: string;

  @Field({ description: 'structured, syslog, web, cloud, containers, runtimes, databases, ...' })
  family!: string;

  @Field()
  description!: string;

  @Field({ description: 'Whether records are text lines (line) or JSON objects (json)' })
  kind!: string;

  @Field({ description: 'One real-looking line in this format' })
  sample!: string;

  static from(format: LogFormat): LogFormatObject {
    const o = new LogFormatObject();
    o.name = format.name;
    o.family = format.family;
    o.description = format.description;
    o.kind = format.kind;
    o.sample = format.samples[0]?.line ?? '';
    return o;
  }
}
