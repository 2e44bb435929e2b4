import type { LogFormat } from '../../log-format';
import { elasticsearchJsonFormat } from './elasticsearch-json.format';
import { elasticsearchFormat } from './elasticsearch.format';
import { kafkaFormat } from './kafka.format';
import { mongodbJsonFormat } from './mongodb-json.format';
import { mysqlErrorFormat } from './mysql-error.format';
import { mysqlSlowFormat } from './mysql-slow.format';
import { postgresqlFormat } from './postgresql.format';
import { redisFormat } from './redis.format';
import { tomcatFormat } from './tomcat.format';
import { zookeeperFormat } from './zookeeper.format';

export const DATABASE_FORMATS: readonly LogFormat[] = [
  postgresqlFormat,
  mysqlErrorFormat,
  mysqlSlowFormat,
  redisFormat,
  mongodbJsonFormat,
  kafkaFormat,
  zookeeperFormat,
  elasticsearchFormat,
  elasticsearchJsonFormat,
  tomcatFormat,
];
