import { RobotRejectedError } from '../errors.js';

/** WeCom and DingTalk robots answer HTTP 200 with `{ errcode, errmsg }`; only `errcode: 0` is success. */
export function checkRobotResponse(robot: 'wecom' | 'dingtalk', res: { status: number; json: unknown }): void {
  if (res.status < 200 || res.status >= 300) throw new RobotRejectedError(`${robot} robot answered HTTP ${res.status}`, res.status);
  const body = res.json as { errcode?: unknown; errmsg?: unknown } | undefined;
  const errcode = typeof body?.errcode === 'number' ? body.errcode : undefined;
  if (errcode !== 0) {
    const errmsg = typeof body?.errmsg === 'string' ? body.errmsg.slice(0, 200) : 'no errmsg';
    throw new RobotRejectedError(`${robot} robot rejected the message: errcode ${errcode ?? 'missing'} (${errmsg})`, res.status, errcode);
  }
}
