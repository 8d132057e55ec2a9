/**
 * QBO v3 wire shapes, as the API sends and accepts them (PascalCase, string Ids and SyncTokens).
 * Shared by the connector and the emulator; only the fields Ledgerlink reads or writes are typed.
 */
export interface QboRef {
  value: string;
  name?: string;
}

export interface QboMetaData {
  CreateTime: string;
  LastUpdatedTime: string;
}

export interface QboPhysicalAddress {
  Id?: string;
  Line1?: string;
  Line2?: string;
  City?: string;
  CountrySubDivisionCode?: string;
  PostalCode?: string;
  Country?: string;
}

export interface QboCustomer {
  Id?: string;
  SyncToken?: string;
  sparse?: boolean;
  domain?: "QBO";
  DisplayName?: string;
  CompanyName?: string;
  Title?: string;
  GivenName?: string;
  MiddleName?: string;
  FamilyName?: string;
  Suffix?: string;
  FullyQualifiedName?: string;
  PrimaryEmailAddr?: { Address: string };
  PrimaryPhone?: { FreeFormNumber: string };
  Mobile?: { FreeFormNumber: string };
  BillAddr?: QboPhysicalAddress;
  ShipAddr?: QboPhysicalAddress;
  Notes?: string;
  Active?: boolean;
  Job?: boolean;
  ParentRef?: QboRef;
  Level?: number;
  BillWithParent?: boolean;
  Balance?: number;
  MetaData?: QboMetaData;
}

/** One error inside a QBO fault. */
export interface QboFaultError {
  Message: string;
  Detail?: string;
  code: string;
  element?: string;
}

/** `{"Fault": {...}, "time": ...}` as QBO returns it for validation and system faults. */
export interface QboFaultBody {
  Fault: {
    Error: QboFaultError[];
    type: string;
  };
  time?: string;
}

/** QBO's lower-case shape for authentication faults (HTTP 401/403). */
export interface QboAuthFaultBody {
  fault: {
    error: { message: string; detail?: string; code: string }[];
    type: string;
  };
}
