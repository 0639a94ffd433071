import { simulatorShard } from './simulator-shard';

simulatorShard(165, 220);
