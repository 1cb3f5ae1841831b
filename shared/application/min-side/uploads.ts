/**
 * What a debtor may upload on Min side (a dispute's attachment, a payment receipt): a PDF, JPEG or PNG of at most
 * 10 MB, its type decided from its first bytes (the magic numbers), never from the file name or the browser's
 * content type — a page or a script renamed to receipt.pdf is refused.
 */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type UploadContentType = "application/pdf" | "image/jpeg" | "image/png";

export type UploadCheck = { ok: true; contentType: UploadContentType } | { ok: false; code: UploadRefusal };

export type UploadRefusal = "file-empty" | "file-too-large" | "file-type";

const SIGNATURES: ReadonlyArray<readonly [UploadContentType, readonly number[]]> = [
  ["application/pdf", [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
];

export function checkUpload(content: Uint8Array): UploadCheck {
  if (content.length === 0) return { ok: false, code: "file-empty" };
  if (content.length > MAX_UPLOAD_BYTES) return { ok: false, code: "file-too-large" };
  for (const [contentType, signature] of SIGNATURES) {
    if (signature.every((byte, i) => content[i] === byte)) return { ok: true, contentType };
  }
  return { ok: false, code: "file-type" };
}
