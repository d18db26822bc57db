import { IpcErrorCode } from '../../protocol/errors.js';
import { SyncPostError, type SyncPoster } from './socket-renderer-transport.js';
import { SyncHeader, SyncStatus } from './wire.js';

/**
 * The browser's blocking path: a synchronous XMLHttpRequest. A sync XHR in a window cannot set
 * `responseType` or `timeout`, so the reply comes back as text decoded with `x-user-defined` (each
 * byte becomes one char code, `& 0xff` restores it) and the deadline is enforced by the server, which
 * answers 504 when main has not replied in time.
 */
export function createXhrSyncPoster(syncUrl: string, key: string): SyncPoster {
  return (body, timeoutMs, beforeOpen, resend) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', syncUrl, false);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader(SyncHeader.key, key);
    xhr.setRequestHeader(SyncHeader.timeout, String(timeoutMs));
    if (beforeOpen) xhr.setRequestHeader(SyncHeader.beforeOpen, '1');
    if (resend) xhr.setRequestHeader(SyncHeader.resend, '1');
    xhr.overrideMimeType('text/plain; charset=x-user-defined');
    try {
      xhr.send(body);
    } catch (error) {
      throw new SyncPostError(IpcErrorCode.Closed, 'sendSync could not reach main.', 0, { cause: error });
    }
    const status = xhr.status;
    if (status === SyncStatus.ok) return bytesOf(xhr.responseText);
    const detail = `sendSync failed (HTTP ${status}): ${xhr.responseText.slice(0, 200)}`;
    if (status === SyncStatus.timeout) throw new SyncPostError(IpcErrorCode.Timeout, detail, status);
    if (status === SyncStatus.tooLarge) throw new SyncPostError(IpcErrorCode.PayloadTooLarge, detail, status);
    throw new SyncPostError(IpcErrorCode.Closed, detail, status);
  };
}

function bytesOf(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
