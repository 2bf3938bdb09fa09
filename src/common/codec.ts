// msgpackr/pack is msgpackr without its native string extractor, which costs more than it saves on messages this
// small (a request, a reply, an entry's versions): 12 us of a 100-byte SET's node CPU went to it.
import { Packr } from 'msgpackr/pack'
import { SerializationError } from './errors.js'

/**
 * The one msgpack configuration of the project: the engine stores values in this encoding and the wire carries
 * them unchanged.
 * - `useRecords: false`: plain msgpack maps, no shared-structure state between encoder and decoder.
 * - bigints always come back as bigints (64-bit ints decode to bigint; larger ones use msgpackr's bigint extension),
 *   and numbers above 2^32 are written as float64, so numbers and bigints never swap types.
 * - `copyBuffers`: a decoded Uint8Array is a copy, never a view into the engine's slabs or a network frame.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  useBigIntExtension: true,
  copyBuffers: true,
  writeFunction: () => { throw new SerializationError('functions cannot be stored') }
})

/** Encodes a value; throws SerializationError for what msgpack cannot carry (functions, symbols, top-level undefined). */
export function encodeValue (value: unknown): Uint8Array {
  if (value === undefined) throw new SerializationError('undefined cannot be stored; use delete')
  try {
    return packr.pack(value)
  } catch (err) {
    if (err instanceof SerializationError) throw err
    throw new SerializationError(`value cannot be serialized: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** Where `decodeValueAt` reads; one object reused, so a decode allocates nothing of its own. */
const range = { start: 0, end: 0 }

/**
 * Decodes the value made by `encodeValue` that sits at `holder[start, end)`, without making a view of it (msgpackr
 * caches its DataView on `holder`, so reading many values out of one slab costs no allocation per read). `holder`
 * must be a plain Uint8Array. Throws SerializationError on malformed input.
 */
export function decodeValueAt (holder: Uint8Array, start: number, end: number): unknown {
  range.start = start
  range.end = end
  try {
    return packr.unpack(holder, range)
  } catch (err) {
    throw new SerializationError(`malformed value: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * Decodes bytes made by `encodeValue`; throws SerializationError on malformed input. Binary values come back as
 * plain Uint8Array even when `bytes` is a Node Buffer (msgpackr copies with the source's own type).
 */
export function decodeValue (bytes: Uint8Array): unknown {
  const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  try {
    return packr.unpack(plain)
  } catch (err) {
    throw new SerializationError(`malformed value: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** Header length of a msgpack str or bin by its first byte (fixstr, str8/16/32, bin8/16/32); 0 for any other type. */
function stringOrBytesHeader (first: number): number {
  if (first >= 0xa0 && first <= 0xbf) return 1
  switch (first) {
    case 0xd9: case 0xc4: return 2
    case 0xda: case 0xc5: return 3
    case 0xdb: case 0xc6: return 5
    default: return 0
  }
}

/**
 * A value's size as maxValueBytes counts it, from its encoding: a string's UTF-8 bytes or a byte array's length
 * (the encoding less its msgpack header), so that a 1 MiB value fits a 1 MiB limit; any other value's encoded size.
 */
export function valueSize (encoded: Uint8Array): number {
  return encoded.length - (encoded.length === 0 ? 0 : stringOrBytesHeader(encoded[0] as number))
}
