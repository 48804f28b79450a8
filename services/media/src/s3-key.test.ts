import { mediaIdOfUploadKey } from '@chronopost/core';
import { describe, expect, it } from 'vitest';
import { decodeS3Key } from './s3-key';

describe('upload keys in S3 notifications', () => {
  it('are decoded the way S3 encodes them', () => {
    expect(decodeS3Key('uploads/my+photo%2B1.png')).toBe('uploads/my photo+1.png');
  });

  it('name a media id only under the upload prefix', () => {
    const id = '0b6c2f1e-8d6a-4d8e-9b1a-2f3c4d5e6f70';
    expect(mediaIdOfUploadKey(`uploads/${id}`)).toBe(id);
    expect(mediaIdOfUploadKey(`processed/${id}`)).toBeUndefined();
    expect(mediaIdOfUploadKey(`uploads/${id}/../x`)).toBeUndefined();
  });
});
