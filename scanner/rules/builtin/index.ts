/**
 * The 47 built-in rules, in catalogue order. An explicit list (not a directory scan) so the
 * build and the tests see exactly the same set.
 */
import type { Rule } from '../types.js';
import r_P001 from './P001.js';
import r_P002 from './P002.js';
import r_P003 from './P003.js';
import r_P004 from './P004.js';
import r_P005 from './P005.js';
import r_P006 from './P006.js';
import r_P007 from './P007.js';
import r_P008 from './P008.js';
import r_P011 from './P011.js';
import r_P015 from './P015.js';
import r_P016 from './P016.js';
import r_C001 from './C001.js';
import r_C002 from './C002.js';
import r_C003 from './C003.js';
import r_C004 from './C004.js';
import r_C005 from './C005.js';
import r_C006 from './C006.js';
import r_C007 from './C007.js';
import r_K001 from './K001.js';
import r_K002 from './K002.js';
import r_K003 from './K003.js';
import r_K004 from './K004.js';
import r_K005 from './K005.js';
import r_K006 from './K006.js';
import r_K007 from './K007.js';
import r_K008 from './K008.js';
import r_K009 from './K009.js';
import r_P009 from './P009.js';
import r_P010 from './P010.js';
import r_P012 from './P012.js';
import r_P013 from './P013.js';
import r_P014 from './P014.js';
import r_CIS_8_5 from './CIS-8.5.js';
import r_CIS_8_6 from './CIS-8.6.js';
import r_CIS_8_7 from './CIS-8.7.js';
import r_CIS_RBAC from './CIS-RBAC.js';
import r_KMS_HSM from './KMS-HSM.js';
import r_NET001 from './NET001.js';
import r_VM001 from './VM001.js';
import r_VM002 from './VM002.js';
import r_VM003 from './VM003.js';
import r_VM004 from './VM004.js';
import r_VM005 from './VM005.js';
import r_SYN001 from './SYN001.js';
import r_SYN002 from './SYN002.js';
import r_SYN003 from './SYN003.js';
import r_SYN004 from './SYN004.js';

export const BUILTIN_RULES: readonly Rule[] = Object.freeze([
  r_P001,
  r_P002,
  r_P003,
  r_P004,
  r_P005,
  r_P006,
  r_P007,
  r_P008,
  r_P011,
  r_P015,
  r_P016,
  r_C001,
  r_C002,
  r_C003,
  r_C004,
  r_C005,
  r_C006,
  r_C007,
  r_K001,
  r_K002,
  r_K003,
  r_K004,
  r_K005,
  r_K006,
  r_K007,
  r_K008,
  r_K009,
  r_P009,
  r_P010,
  r_P012,
  r_P013,
  r_P014,
  r_CIS_8_5,
  r_CIS_8_6,
  r_CIS_8_7,
  r_CIS_RBAC,
  r_KMS_HSM,
  r_NET001,
  r_VM001,
  r_VM002,
  r_VM003,
  r_VM004,
  r_VM005,
  r_SYN001,
  r_SYN002,
  r_SYN003,
  r_SYN004,
]);

export const BUILTIN_RULE_IDS: ReadonlySet<string> = new Set(BUILTIN_RULES.map((r) => r.meta.id));
