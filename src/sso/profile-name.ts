// The naming policy moved to src/store/profile-name.ts (store imports nothing from sso); this
// keeps older import paths compiling until they point there.
export { profileNames, roleKey, slug, type RoleIdentity } from '../store/profile-name.js';
