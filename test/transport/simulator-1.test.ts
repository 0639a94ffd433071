import { simulatorShard } from './simulator-shard';

simulatorShard(55, 110);
