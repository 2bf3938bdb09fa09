import { Args, Flags } from '@oclif/core'
import { parseSeconds } from '../config/units.js'

/**
 * `--ttl`: seconds (fractions allowed) or a duration as `--default-ttl` and the config file take it (90, 10m, 1h30m,
 * 500ms); 0 means never expires. One definition for put, mput, getset and touch; each adds its own description.
 */
export const ttlFlag = Flags.custom<number>({
  helpValue: 'DURATION',
  parse: async (input) => {
    try {
      return parseSeconds(input)
    } catch {
      throw new Error(`must be seconds or a duration such as 90, 1.5, 10m, 1h30m or 500ms; 0 = never expires (got "${input}")`)
    }
  }
})

/** What every --ttl help says about its units. */
export const TTL_UNITS = 'seconds or a duration (90, 10m, 1h30m, 500ms); 0 = never expires'

/** The member argument of `node remove` and `node forget`, found as membership's findMember finds it. */
export const memberIdArg = Args.string({ description: 'the member: its full id, a unique id suffix (the 8 characters tables show) or its name', required: true })
