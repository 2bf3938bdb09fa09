import { Flags } from '@oclif/core'

/** A TTL in seconds: fractions allowed, 0 means never expires (oclif's integer flag would refuse fractions). */
export const ttlFlag = Flags.custom<number>({
  parse: async (input) => {
    const seconds = Number(input)
    if (input.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new Error(`must be a number of seconds >= 0 (got "${input}")`)
    }
    return seconds
  }
})
