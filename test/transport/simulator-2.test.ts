import { simulatorShard } from './simulator-shard';

simulatorShard(110, 165);
