import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { vbiosInjection } from "./feature.ts";
import { FEATURE } from "./intent.ts";

const log = jsonLogger();
http(FEATURE, admissionHandler(vbiosInjection(), { log }));
