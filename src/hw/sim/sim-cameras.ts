/**
 * The camera twin: a board profile's cameras as test sources (pipelines/test-av), so a
 * box is simulated with its own channel layout, GPIO lines (on the GPIO twin) and
 * serial devices (pseudo-terminals), on a machine without its cameras or encoder.
 */
import type { BoardProfile } from '../board-profile.js';
import type { ChannelConfig } from '../../config/schema.js';

const PATTERNS = ['smpte', 'ball', 'snow', 'pinwheel', 'bar', 'checkers-8', 'circular', 'spokes'];

export function simulatedCameras(profile: BoardProfile, size = { width: 320, height: 180 }): ChannelConfig[] {
  return profile.cameras.map((cam, i) => ({
    id: cam.id,
    template: 'test-av',
    fps: cam.fps,
    params: { ...size, fps: cam.fps, pattern: PATTERNS[i % PATTERNS.length]!, freq: 440 + 110 * i },
  }));
}
