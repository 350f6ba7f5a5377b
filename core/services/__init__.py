"""Every write to core's tables: bookings and their lifecycle, customers, reviews."""
