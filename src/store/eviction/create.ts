import type { EvictionPolicyName } from '../../config/defaults.js'
import { FifoPolicy } from './fifo.js'
import { LfuPolicy } from './lfu.js'
import { LruPolicy } from './lru.js'
import type { EvictionPolicy } from './policy.js'
import { TtlPolicy } from './ttl.js'

const POLICY_CLASSES: Record<EvictionPolicyName, new () => EvictionPolicy> = {
  lru: LruPolicy,
  lfu: LfuPolicy,
  fifo: FifoPolicy,
  ttl: TtlPolicy
}

/** A fresh policy instance for one cache. */
export function createEvictionPolicy (name: EvictionPolicyName): EvictionPolicy {
  return new POLICY_CLASSES[name]()
}
