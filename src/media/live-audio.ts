/**
 * `${liveAudio}`: the audio half of the live branch, inline on a template's raw audio
 * (after `${audioLevel}`, before the recording's own encoder or queue). The recording keeps
 * its audio as it is (PCM or Opus); the live stream needs AAC, the audio codec both
 * MPEG-TS over SRT and FLV over RTMP carry, so the raw audio is teed off and encoded here.
 *
 * Invariants, as for the video (LIVE_BRANCH): the branch starts at a leaky queue, so a slow
 * live side drops there and never holds up the recording; the valve drops everything while
 * nobody watches, so AAC is encoded only while someone does (it forwards sticky events, so
 * the encoder and muxer are configured and the pipeline still ends cleanly with EOS).
 * voaacenc: about 0.3 % of a core for 48 kHz mono here, under half of avenc_aac's cost.
 *
 * In gst-launch syntax the expansion ends the template's audio chain at a tee, declares
 * the live branch from it into the live muxer (`livemux`, LIVE_BRANCH), and starts a new
 * chain at the tee, which the template's text after `${liveAudio}` continues.
 */
export const LIVE_AUDIO_BITRATE = 48000;

export const LIVE_AUDIO =
  'tee name=liveatee ' +
  'liveatee. ! queue name=liveaqueue leaky=downstream max-size-buffers=100 max-size-bytes=0 max-size-time=0 ' +
  '! valve name=liveavalve drop=true drop-mode=forward-sticky-events ' +
  `! audioconvert ! voaacenc bitrate=${LIVE_AUDIO_BITRATE} ! aacparse ! livemux. ` +
  'liveatee.';
