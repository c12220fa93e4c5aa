/** The continuity checker itself must catch loss and duplication, or the media tests prove nothing. */
import test from 'ava';
import { continuity, type ProbedFile } from '../helpers/media-probe.js';

function file(video: number[], audioStart: number, packets: number): ProbedFile {
  return { file: 'x', video, audio: Array.from({ length: packets }, (_, i) => ({ pts: audioStart + i * 20, dur: 20 })) };
}

test('continuous frames and samples across files count as nothing lost', (t) => {
  const c = continuity([file([0, 40, 80], 0, 6), file([120, 160], 120, 4)], 25);
  t.like(c, { videoFrames: 5, videoLost: 0, videoDuplicated: 0, audioLostSamples: 0, audioDuplicatedSamples: 0, audioSamples: 10 * 960 });
});

test('a missing frame, a repeated frame, a hole and an overlap in audio are each counted', (t) => {
  const c = continuity([file([0, 40, 80], 0, 6), file([80, 160, 200], 140, 3)], 25);
  t.is(c.videoDuplicated, 1);
  t.is(c.videoLost, 1);
  t.is(c.audioLostSamples, 20 * 48);
  const overlap = continuity([file([0], 0, 6), file([40], 100, 2)], 25);
  t.is(overlap.audioDuplicatedSamples, 20 * 48);
});
