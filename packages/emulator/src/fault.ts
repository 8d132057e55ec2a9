/** One error inside a QBO fault, exactly as QBO spells the keys. */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

/**
 * A QBO fault raised while handling a request. Thrown inside the emulator and rendered by the HTTP
 * layer (or per item inside a batch) as `{"Fault": {"Error": [...], "type": ...}, "time": ...}`.
 */
export class QboFault extends Error {
  override readonly name = "QboFault";

  constructor(
    readonly status: number,
    readonly type: string,
    readonly errors: FaultError[],
  ) {
    super(errors.map((e) => `${e.code} ${e.Message}: ${e.Detail}`).join("; "));
  }

  toJSON(): { Error: FaultError[]; type: string } {
    return { Error: this.errors, type: this.type };
  }
}

function validation(code: string, message: string, detail: string, element?: string): QboFault {
  const error: FaultError = { Message: message, Detail: detail, code };
  if (element !== undefined) error.element = element;
  return new QboFault(400, "ValidationFault", [error]);
}

/** The faults QBO raises, with its codes and wording. */
export const faults = {
  duplicateName: (existingId: string): QboFault =>
    validation(
      "6240",
      "Duplicate Name Exists Error",
      `The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name. Id=${existingId}`,
    ),
  duplicateItemName: (kind: string, existingId: string): QboFault =>
    validation(
      "6240",
      "Duplicate Name Exists Error",
      `The name supplied already exists. : Another ${kind} is already using this name. Id=${existingId}`,
    ),
  duplicateDocNumber: (docNumber: string, txnType: string, txnId: string): QboFault =>
    validation(
      "6140",
      "Duplicate Document Number Error",
      `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`,
    ),
  staleObject: (): QboFault =>
    validation(
      "5010",
      "Stale Object Error",
      "Stale Object Error : You and another user were working on the same thing at the same time, and the other user finished before you did, so your work was not saved.",
    ),
  objectNotFound: (what: string): QboFault =>
    validation(
      "610",
      "Object Not Found",
      `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${what})`,
    ),
  required: (element: string): QboFault =>
    validation(
      "2020",
      "Required param missing, need to supply the required value for the API",
      `Required parameter ${element} is missing in the request`,
      element,
    ),
  length: (element: string, min: number, max: number, supplied: number): QboFault =>
    validation(
      "2050",
      "String length is either shorter or longer than supported by specification",
      `String length specified does not match the supported length. Min:${min} Max:${max} property:${element} Supplied length:${supplied}`,
      element,
    ),
  invalidString: (element: string, reason: string): QboFault =>
    validation(
      "2040",
      "Invalid String",
      `String contains invalid characters (${reason}): ${element}`,
      element,
    ),
  invalidId: (element: string, value: string): QboFault =>
    validation("2030", "Invalid ID", `Id should be a valid number. Supplied value:${value}`, element),
  invalidEnum: (element: string, value: string, allowed: readonly string[]): QboFault =>
    validation(
      "2010",
      "Request has invalid or unsupported property",
      `Property ${element} has invalid value ${value}; expected one of ${allowed.join(", ")}`,
      element,
    ),
  businessRule: (detail: string, element?: string): QboFault =>
    validation(
      "6000",
      "A business validation error has occurred while processing your request",
      detail,
      element,
    ),
  amountMismatch: (lineId: string): QboFault =>
    validation(
      "6070",
      "Amount is not equal to UnitPrice * Qty",
      `Amount is not equal to UnitPrice * Qty. Supplied value:line ${lineId}`,
    ),
  periodClosed: (txnDate: string, closingDate: string): QboFault =>
    validation(
      "6210",
      "Account Period Closed, cannot update through Services API",
      `The account period has closed and the books are locked. TxnDate=${txnDate} is on or before the closing date ${closingDate}.`,
    ),
  invalidQuery: (detail: string): QboFault => validation("4001", "Invalid query", detail),
  unsupportedOperation: (detail: string): QboFault => validation("6000", "Operation not supported", detail),
  malformedRequest: (detail: string): QboFault =>
    validation("2010", "Request has invalid or unsupported property", detail),
  systemFault: (): QboFault =>
    new QboFault(500, "SystemFault", [
      {
        Message: "An application error has occurred while processing your request",
        Detail: "System Failure Error: An internal error occurred (injected by the emulator)",
        code: "10000",
      },
    ]),
  serviceUnavailable: (): QboFault =>
    new QboFault(503, "SystemFault", [
      {
        Message: "Service Unavailable",
        Detail: "The service is temporarily unavailable (injected by the emulator)",
        code: "10000",
      },
    ]),
  throttled: (): QboFault =>
    new QboFault(429, "ThrottleExceeded", [
      {
        Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
        Detail: "The request limit was reached.",
        code: "3001",
      },
    ]),
};

/** QBO's lower-case authentication/authorization fault (HTTP 401 code 3200, 403 code 3100). */
export function authFaultBody(
  status: 401 | 403,
  detail: string,
  time: string,
): { fault: { error: { message: string; detail: string; code: string }[]; type: string }; time: string } {
  const code = status === 401 ? "3200" : "3100";
  const name = status === 401 ? "AuthenticationFailed" : "AuthorizationFailed";
  return {
    fault: {
      error: [{ message: `message=${name}; errorCode=00${code}; statusCode=${status}`, detail, code }],
      type: status === 401 ? "AUTHENTICATION" : "AUTHORIZATION",
    },
    time,
  };
}
