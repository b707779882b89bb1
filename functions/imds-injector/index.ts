import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { imdsInjector } from "./feature.ts";
import { FEATURE } from "./intent.ts";

http(FEATURE, admissionHandler(imdsInjector(), { log: jsonLogger() }));
