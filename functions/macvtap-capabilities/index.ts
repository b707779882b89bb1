import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { macvtapCapabilities } from "./feature.ts";
import { FEATURE } from "./intent.ts";

http(FEATURE, admissionHandler(macvtapCapabilities(), { log: jsonLogger() }));
