import type { QboCustomer, QboMetaData, QboPhysicalAddress, QboRef } from "@ledgerlink/core";

/**
 * Wire shapes of the entities Ledgerlink syncs beyond Customer (which lives in core). Only the
 * fields Ledgerlink reads or writes are typed; amounts are QBO's JSON decimals and are turned into
 * exact money by core, never added up here.
 */
export interface QboEntityBase {
  Id?: string;
  SyncToken?: string;
  sparse?: boolean;
  domain?: "QBO";
  MetaData?: QboMetaData;
}

export interface QboItem extends QboEntityBase {
  Name?: string;
  Sku?: string;
  Description?: string;
  Type?: "Service" | "Inventory" | "NonInventory" | "Group" | "Category";
  Active?: boolean;
  UnitPrice?: number;
  IncomeAccountRef?: QboRef;
  ExpenseAccountRef?: QboRef;
  AssetAccountRef?: QboRef;
  Taxable?: boolean;
  FullyQualifiedName?: string;
}

export interface QboAccount extends QboEntityBase {
  Name?: string;
  AcctNum?: string;
  AccountType?: string;
  AccountSubType?: string;
  Classification?: string;
  Active?: boolean;
  SubAccount?: boolean;
  ParentRef?: QboRef;
  FullyQualifiedName?: string;
}

export interface QboLinkedTxn {
  TxnId: string;
  TxnType: string;
}

export interface QboSalesLine {
  Id?: string;
  LineNum?: number;
  Description?: string;
  Amount?: number;
  DetailType: "SalesItemLineDetail" | "SubTotalLineDetail" | "DiscountLineDetail" | "DescriptionOnly";
  SalesItemLineDetail?: { ItemRef: QboRef; Qty?: number; UnitPrice?: number; TaxCodeRef?: QboRef };
  LinkedTxn?: QboLinkedTxn[];
}

interface QboSalesTxn extends QboEntityBase {
  DocNumber?: string;
  TxnDate?: string;
  CustomerRef?: QboRef;
  Line?: QboSalesLine[];
  TotalAmt?: number;
  Balance?: number;
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  BillEmail?: { Address: string };
  BillAddr?: QboPhysicalAddress;
  ShipAddr?: QboPhysicalAddress;
  CurrencyRef?: QboRef;
  TxnTaxDetail?: { TxnTaxCodeRef?: QboRef; TotalTax?: number };
}

export interface QboInvoice extends QboSalesTxn {
  DueDate?: string;
  SalesTermRef?: QboRef;
  LinkedTxn?: QboLinkedTxn[];
}

export type QboCreditMemo = QboSalesTxn;

export interface QboPayment extends QboEntityBase {
  CustomerRef?: QboRef;
  TotalAmt?: number;
  TxnDate?: string;
  PaymentRefNum?: string;
  DepositToAccountRef?: QboRef;
  UnappliedAmt?: number;
  PrivateNote?: string;
  Line?: { Amount: number; LinkedTxn: QboLinkedTxn[] }[];
}

export interface QboTaxCode extends QboEntityBase {
  Name?: string;
  Description?: string;
  Active?: boolean;
  Taxable?: boolean;
}

interface QboPerson extends QboEntityBase {
  DisplayName?: string;
  GivenName?: string;
  FamilyName?: string;
  CompanyName?: string;
  PrimaryEmailAddr?: { Address: string };
  PrimaryPhone?: { FreeFormNumber: string };
  Active?: boolean;
}

export type QboVendor = QboPerson;
export type QboEmployee = QboPerson;

export interface QboPreferences extends QboEntityBase {
  SalesFormsPrefs?: { CustomTxnNumbers?: boolean; AllowDeposit?: boolean; AllowDiscount?: boolean };
  AccountingInfoPrefs?: { BookCloseDate?: string; TrackDepartments?: boolean; ClassTrackingPerTxn?: boolean };
  TaxPrefs?: { UsingSalesTax?: boolean; PartnerTaxEnabled?: boolean };
  CurrencyPrefs?: { MultiCurrencyEnabled?: boolean; HomeCurrency?: QboRef };
}

export interface QboCompanyInfo extends QboEntityBase {
  CompanyName?: string;
  LegalName?: string;
  Country?: string;
  CompanyAddr?: QboPhysicalAddress;
  Email?: { Address: string };
  FiscalYearStartMonth?: string;
}

/** Every entity the connector speaks, by its QBO name. */
export interface QboEntityMap {
  Customer: QboCustomer;
  Item: QboItem;
  Account: QboAccount;
  Invoice: QboInvoice;
  CreditMemo: QboCreditMemo;
  Payment: QboPayment;
  TaxCode: QboTaxCode;
  Vendor: QboVendor;
  Employee: QboEmployee;
}

export type QboEntityName = keyof QboEntityMap;

/** Entities Ledgerlink writes. TaxCode, Vendor and Employee are read only (matching, uniqueness). */
export type QboWritableEntity = "Customer" | "Item" | "Account" | "Invoice" | "CreditMemo" | "Payment";

/** Transactions can be deleted; name-list entities are made inactive instead (QBO-API.md). */
export type QboDeletableEntity = "Invoice" | "CreditMemo" | "Payment";

/** Name-list entities: queries return only active ones unless asked. */
export const nameListEntities: ReadonlySet<QboEntityName> = new Set([
  "Customer",
  "Item",
  "Account",
  "TaxCode",
  "Vendor",
  "Employee",
]);

export const qboEntityNames: readonly QboEntityName[] = [
  "Customer",
  "Item",
  "Account",
  "Invoice",
  "CreditMemo",
  "Payment",
  "TaxCode",
  "Vendor",
  "Employee",
];
