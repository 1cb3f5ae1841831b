import packageJson from "../../package.json";

/** The application's name and version, from package.json (compiled in, so it is the version that was deployed). */
export const appInfo = Object.freeze({ name: packageJson.name, version: packageJson.version });
