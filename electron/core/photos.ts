// Photos as they arrive with a case action or a component edit (base64 in the contract): decoded and checked
// before anything is written, so a bad photo refuses the whole write.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from '../../shared/errors.ts';
import type { photo } from '../../shared/contract/schemas.ts';

/** A photo as the contract parses it. */
export type PhotoInput = z.output<typeof photo>;
/** A decoded photo, ready to store. */
export interface DecodedPhoto {
  mime: string;
  bytes: Buffer;
  sha256: string;
  /** Of a 自行处置: the problem before the fix, or the place after it. */
  role?: 'before' | 'after';
}

const MAX_PHOTO_BYTES = 2_000_000;
const MAGIC: Record<PhotoInput['mime'], (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Decodes and checks photos: size, and that the bytes are an image of the declared type. */
export function decodePhotos(photos: PhotoInput[] | undefined): DecodedPhoto[] {
  return (photos ?? []).map((p, i) => {
    const bytes = Buffer.from(p.data, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) {
      throw new ApiError('BAD_INPUT', `photo ${i + 1}: ${bytes.length} bytes; a photo must be 1 byte to ${MAX_PHOTO_BYTES / 1e6} MB`, { field: `photos.${i}` });
    }
    if (!MAGIC[p.mime](bytes)) throw new ApiError('BAD_INPUT', `photo ${i + 1} is not a ${p.mime} image`, { field: `photos.${i}` });
    return { mime: p.mime, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** The photos of a 自行处置, before and after the fix, decoded with their roles. */
export function decodeFixPhotos(p: { before: PhotoInput[]; after: PhotoInput[] }): DecodedPhoto[] {
  return [...decodePhotos(p.before).map((d) => ({ ...d, role: 'before' as const })), ...decodePhotos(p.after).map((d) => ({ ...d, role: 'after' as const }))];
}
