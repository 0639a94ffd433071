import { simulatorShard } from './simulator-shard';

simulatorShard(0, 55);
