/** Child for the quality bench's IPC cost: answers every message with a tiny one. */
process.on('message', () => process.send?.(1));
process.send?.('ready');
