const fromCharCode = String.fromCharCode;

// biome-ignore format: eight arguments a line keep 24 cases readable (the formatter puts one a line)
/**
 * `n` (0..24) Latin-1 bytes at `p` as a string. Calling fromCharCode with exactly n arguments is about
 * twice as fast as `fromCharCode.apply` over an array, and short strings dominate IPC payloads.
 *
 * Measured (Node 20, `decode`, medians of 8 fresh processes; this switch = 100%) on bench/codec-payloads
 * large / mixed and an array of 20 000 unique ASCII strings of 1..24 bytes: cases 1..8, 1..12 or 1..16
 * plus the pre-sized `CODES[n]` apply for the rest: 114/108/130%, 108/106/127%, 108/100/118%; that apply
 * alone: 119/118/128%; a 8/16/24-argument call plus `.slice(0, n)`: 113/107/130%; `+=` per char up to 12:
 * 152/123/159%; `apply(null, b.subarray(...))`: 227/184/255%. Hence the full unrolled switch.
 */
export function latin1Short(b: Uint8Array, p: number, n: number): string {
  switch (n) {
    case 1: return fromCharCode(b[p]!);
    case 2: return fromCharCode(b[p]!, b[p + 1]!);
    case 3: return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4: return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5: return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6: return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!,
      );
    case 8:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
      );
    case 9:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!,
      );
    case 10:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!,
      );
    case 11:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!,
      );
    case 12:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!,
      );
    case 13:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!,
      );
    case 14:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!,
      );
    case 15:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!,
      );
    case 16:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
      );
    case 17:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!,
      );
    case 18:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!,
      );
    case 19:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!,
      );
    case 20:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!, b[p + 19]!,
      );
    case 21:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!, b[p + 19]!, b[p + 20]!,
      );
    case 22:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!, b[p + 19]!, b[p + 20]!, b[p + 21]!,
      );
    case 23:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!, b[p + 19]!, b[p + 20]!, b[p + 21]!, b[p + 22]!,
      );
    case 24:
      return fromCharCode(
        b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!,
        b[p + 8]!, b[p + 9]!, b[p + 10]!, b[p + 11]!, b[p + 12]!, b[p + 13]!, b[p + 14]!, b[p + 15]!,
        b[p + 16]!, b[p + 17]!, b[p + 18]!, b[p + 19]!, b[p + 20]!, b[p + 21]!, b[p + 22]!, b[p + 23]!,
      );
    default: return '';
  }
}
