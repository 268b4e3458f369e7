// How a number outside the PBX is dialled. One template (TRANSFER_DIAL_TEMPLATE, default
// PJSIP/{number}@trunk) serves every part that calls a number through the trunk — the flows'
// transfer node and ACD agents on a phone number — so an operator changes carrier, prefix or
// URI parameters in one place.
export function outsideDialString(template: string, number: string): string {
  return template.replaceAll('{number}', number);
}
