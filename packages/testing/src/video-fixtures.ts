import {
  BufferTarget,
  EncodedPacket,
  EncodedVideoPacketSource,
  MkvOutputFormat,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
} from 'mediabunny';

/**
 * Test videos, made here (nothing is downloaded): a real H.264 stream written bit by bit and muxed
 * into MP4 or QuickTime by mediabunny. There is no encoder on these machines, so every frame is an
 * IDR picture of I_PCM macroblocks (raw samples, which the standard allows): large, but a stream
 * any decoder plays (Chromium shows it). Each frame has one colour, so a frame can be told apart.
 */

/** Bits of an H.264 RBSP: fixed-width fields and Exp-Golomb codes. */
class BitWriter {
  readonly bytes: number[] = [];
  private current = 0;
  private count = 0;
  bit(value: number) {
    this.current = (this.current << 1) | (value & 1);
    if (++this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
  }
  u(bits: number, value: number) {
    for (let shift = bits - 1; shift >= 0; shift--) this.bit((value >>> shift) & 1);
  }
  ue(value: number) {
    const coded = value + 1;
    const length = 32 - Math.clz32(coded);
    this.u(length - 1, 0);
    this.u(length, coded);
  }
  se(value: number) {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }
  align() {
    while (this.count !== 0) this.bit(0);
  }
  trailing() {
    this.bit(1);
    this.align();
  }
}

/** A NAL unit with emulation prevention (no 00 00 0x≤3 inside the payload). */
function nalUnit(type: number, rbsp: number[]): Uint8Array {
  const out = [(3 << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** Constrained Baseline, level 3.0: SPS, PPS, the avcC record and frames as length-prefixed samples. */
function h264(width: number, height: number) {
  if (width % 16 || height % 16) throw new Error('width and height must be multiples of 16');
  const sps = new BitWriter();
  sps.u(8, 66); // profile_idc: Baseline
  sps.u(8, 0xc0); // constraint_set0/1: Constrained Baseline
  sps.u(8, 30); // level_idc
  sps.ue(0); // seq_parameter_set_id
  sps.ue(0); // log2_max_frame_num_minus4
  sps.ue(2); // pic_order_cnt_type
  sps.ue(0); // max_num_ref_frames
  sps.u(1, 0); // gaps_in_frame_num_value_allowed_flag
  sps.ue(width / 16 - 1);
  sps.ue(height / 16 - 1);
  sps.u(1, 1); // frame_mbs_only_flag
  sps.u(1, 1); // direct_8x8_inference_flag
  sps.u(1, 0); // frame_cropping_flag
  sps.u(1, 0); // vui_parameters_present_flag
  sps.trailing();
  const pps = new BitWriter();
  pps.ue(0); // pic_parameter_set_id
  pps.ue(0); // seq_parameter_set_id
  pps.u(1, 0); // entropy_coding_mode_flag: CAVLC
  pps.u(1, 0); // bottom_field_pic_order_in_frame_present_flag
  pps.ue(0); // num_slice_groups_minus1
  pps.ue(0); // num_ref_idx_l0_default_active_minus1
  pps.ue(0); // num_ref_idx_l1_default_active_minus1
  pps.u(1, 0); // weighted_pred_flag
  pps.u(2, 0); // weighted_bipred_idc
  pps.se(0); // pic_init_qp_minus26
  pps.se(0); // pic_init_qs_minus26
  pps.se(0); // chroma_qp_index_offset
  pps.u(1, 1); // deblocking_filter_control_present_flag
  pps.u(1, 0); // constrained_intra_pred_flag
  pps.u(1, 0); // redundant_pic_cnt_present_flag
  pps.trailing();
  const spsNal = nalUnit(7, sps.bytes);
  const ppsNal = nalUnit(8, pps.bytes);
  const avcC = Uint8Array.from([
    1,
    66,
    0xc0,
    30,
    0xff,
    0xe1,
    spsNal.length >> 8,
    spsNal.length & 255,
    ...spsNal,
    1,
    ppsNal.length >> 8,
    ppsNal.length & 255,
    ...ppsNal,
  ]);
  const frame = (index: number, [y, u, v]: [number, number, number]): Uint8Array => {
    const slice = new BitWriter();
    slice.ue(0); // first_mb_in_slice
    slice.ue(7); // slice_type: I (all slices)
    slice.ue(0); // pic_parameter_set_id
    slice.u(4, 0); // frame_num
    slice.ue(index % 2); // idr_pic_id: consecutive IDR pictures differ
    slice.u(1, 0); // no_output_of_prior_pics_flag
    slice.u(1, 0); // long_term_reference_flag
    slice.se(0); // slice_qp_delta
    slice.ue(1); // disable_deblocking_filter_idc
    for (let mb = 0; mb < (width / 16) * (height / 16); mb++) {
      slice.ue(25); // mb_type: I_PCM
      slice.align();
      for (let i = 0; i < 256; i++) slice.u(8, y);
      for (let i = 0; i < 64; i++) slice.u(8, u);
      for (let i = 0; i < 64; i++) slice.u(8, v);
    }
    slice.trailing();
    const nal = nalUnit(5, slice.bytes);
    const sample = new Uint8Array(4 + nal.length);
    new DataView(sample.buffer).setUint32(0, nal.length);
    sample.set(nal, 4);
    return sample;
  };
  return { avcC, frame, codec: 'avc1.42C01E' };
}

export interface TestVideoOptions {
  width?: number;
  height?: number;
  /** How long each frame shows, in seconds. */
  frameSeconds?: number;
  frames?: number;
  /** `mkv`: Matroska, WebM's own container (WebM proper needs VP8/VP9/AV1, which nothing here encodes). */
  container?: 'mp4' | 'mov' | 'mkv';
}

/** A playable H.264 video: by default 256 × 144 (16:9), 3 frames of a second each, MP4. */
export async function testVideo(options: TestVideoOptions = {}): Promise<Buffer> {
  const { width = 256, height = 144, frameSeconds = 1, frames = 3, container = 'mp4' } = options;
  const stream = h264(width, height);
  const format = { mp4: () => new Mp4OutputFormat(), mov: () => new MovOutputFormat(), mkv: () => new MkvOutputFormat() }[container]();
  const output = new Output({ format, target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('avc');
  output.addVideoTrack(source);
  await output.start();
  for (let index = 0; index < frames; index++) {
    const colour: [number, number, number] = [40 + ((index * 60) % 180), 90 + ((index * 40) % 100), 200 - ((index * 50) % 150)];
    await source.add(
      new EncodedPacket(stream.frame(index, colour), 'key', index * frameSeconds, frameSeconds),
      index === 0
        ? { decoderConfig: { codec: stream.codec, codedWidth: width, codedHeight: height, description: stream.avcC } }
        : undefined,
    );
  }
  await output.finalize();
  return Buffer.from(output.target.buffer!);
}

/**
 * The same video with its sample entry renamed from `avc1` to `mp4v` (MPEG-4 Part 2, a codec
 * Bluesky does not take): the container stays valid, only the codec it declares changes.
 */
export async function unsupportedCodecVideo(): Promise<Buffer> {
  const video = await testVideo();
  // After `stsd`: the file type box lists `avc1` among its brands too.
  const at = video.indexOf('avc1', video.indexOf('stsd'));
  if (at < 0) throw new Error('no avc1 sample entry');
  video.write('mp4v', at, 'latin1');
  return video;
}

/** Captions in WebVTT. */
export const testCaptions = (text: string) => `WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${text}\n`;
